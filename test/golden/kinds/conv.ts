import type { Handler } from '../fixture.js';
export const convHandler: Handler = () => { throw new Error('conv2d: not implemented yet'); };
