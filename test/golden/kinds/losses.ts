import type { Handler } from '../fixture.js';
export const crossEntropyHandler: Handler = () => { throw new Error('cross_entropy: not implemented yet'); };
export const ctcHandler: Handler = () => { throw new Error('ctc: not implemented yet'); };
