// seedrandom's Tyche-i generator on its own (the package's index loads all seven generators).
declare module 'seedrandom/lib/tychei.js' {
  import type seedrandom from 'seedrandom';
  const tychei: (seed?: string, options?: { state?: boolean | seedrandom.State.Tychei }) => seedrandom.StatefulPRNG<seedrandom.State.Tychei>;
  export default tychei;
}
