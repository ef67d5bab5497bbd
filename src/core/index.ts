export * from './errors';
export * from './format';
export * from './validate';
export * from './rng';
export * from './units';
export * from './durable';
