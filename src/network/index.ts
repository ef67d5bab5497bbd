export * from './encoding';
export * from './synapses';
export * from './wta';
export * from './fields';
export * from './lif';
