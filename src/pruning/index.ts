export * from './pruning';
