import type { Handler } from '../fixture.js';
export const optimizerHandler: Handler = () => { throw new Error('optimizer: not implemented yet'); };
