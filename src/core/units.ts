/**
 * SI units. Every physical quantity in CBRAM Lab is a plain number in SI base or derived units:
 * siemens (S), volts (V), seconds (s), joules (J), ohms (Ω), amperes (A). These constants make
 * notebooks readable: `50 * uS` is 5e-5 S.
 *
 * @example
 * const gMax = 50 * uS;            // 5e-5 S
 * const e = 1 * V ** 2 * gMax * 100 * ns; // 5e-12 J = 5 pJ
 */
export const S = 1;
export const mS = 1e-3;
export const uS = 1e-6;
export const nS = 1e-9;
export const V = 1;
export const mV = 1e-3;
export const A = 1;
export const mA = 1e-3;
export const uA = 1e-6;
export const nA = 1e-9;
export const s = 1;
export const ms = 1e-3;
export const us = 1e-6;
export const ns = 1e-9;
export const ps = 1e-12;
export const J = 1;
export const mJ = 1e-3;
export const uJ = 1e-6;
export const nJ = 1e-9;
export const pJ = 1e-12;
export const fJ = 1e-15;
export const aJ = 1e-18;
export const ohm = 1;
export const kohm = 1e3;
export const Mohm = 1e6;
export const Hz = 1;
export const kHz = 1e3;

/** Elementary charge, C (exact in the 2019 SI). */
export const ELEMENTARY_CHARGE = 1.602176634e-19;
/** Planck constant, J·s (exact in the 2019 SI). */
export const PLANCK = 6.62607015e-34;
/**
 * The conductance quantum G0 = 2e²/h ≈ 77.48 µS. Ag-based CBRAM conductance clusters near
 * multiples of G0 (Jameson et al., IEEE Electron Device Lett. 33:257, 2012); "subquantum" CBRAM
 * operates below it.
 */
export const G0 = (2 * ELEMENTARY_CHARGE ** 2) / PLANCK;
