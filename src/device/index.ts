export * from './config';
export * from './models';
export * from './array';
export * from './energy';
export * from './presets';
export * from './curves';
export * from './fit';
export * from './ecm';
