import type { Handler } from '../fixture.js';
export const clipHandler: Handler = () => { throw new Error('clip_grad_norm: not implemented yet'); };
