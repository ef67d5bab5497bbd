export {
  K_B_EV,
  ZERO_CELSIUS,
  ECM_PARAM_KEYS,
  checkEcmParams,
  gapOf,
  conductanceOf,
  type EcmParams,
} from './params';
export * from './physics';
export * from './scheme';
export * from './update';
export * from './compile';
export * from './devices';
export * from './simulate';
export * from './retention';
export * from './fit';
