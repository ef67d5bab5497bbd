// The small part of plotly.js's API the renderer uses (plotly.js-dist-min ships no types).
declare module 'plotly.js-dist-min' {
  interface PlotlyStatic {
    react(
      root: HTMLElement,
      data: Record<string, unknown>[],
      layout: Record<string, unknown>,
      config?: Record<string, unknown>,
    ): Promise<HTMLElement>;
    purge(root: HTMLElement): void;
    Plots: { resize(root: HTMLElement): Promise<void> | void };
  }
  const Plotly: PlotlyStatic;
  export default Plotly;
}
