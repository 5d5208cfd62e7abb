import type { Handler } from '../fixture.js';
export const recurrentHandler: Handler = () => { throw new Error('recurrent: not implemented yet'); };
export const cellHandler: Handler = () => { throw new Error('cell: not implemented yet'); };
