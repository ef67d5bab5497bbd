/** Everything the notebooks share, in one import: `import { … } from './lib/index'`. */
export * from './mode';
export * from './report';
export * from './models';
export * from './energy';
