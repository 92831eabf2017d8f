/**
 * Line charts over time with uPlot (canvas; it sets sizes through the CSSOM, never a style attribute or
 * innerHTML, so it runs under the app's strict CSP, and Vite bundles it with its stylesheet: no CDN).
 * Every chart has a text alternative: a caption and a table of the same numbers, for screen readers and axe.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';
import { fmtDate } from './i18n';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

/** A chart of one or more series against ISO dates (yyyy-MM-dd), with its caption and data table. */
export function timeChart(caption: string, dates: string[], series: Series[], testId: string): HTMLElement {
  const plot = h('div', { class: 'chart-canvas', 'aria-hidden': 'true' });
  const table = h(
    'table',
    { class: 'chart-table visually-hidden' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Date'), series.map((s) => h('th', { scope: 'col' }, s.label)))),
    h('tbody', null, dates.map((d, i) => h('tr', null, h('th', { scope: 'row' }, fmtDate(d)), series.map((s) => h('td', null, s.values[i] === null || s.values[i] === undefined ? '—' : String(s.values[i])))))),
  );
  const figure = h('figure', { class: 'chart', 'data-testid': testId }, h('figcaption', null, caption), plot, table);
  const xs = dates.map((d) => Date.parse(`${d}T12:00:00Z`) / 1000);
  const draw = (): void => {
    const width = Math.max(260, Math.min(760, figure.clientWidth || 600));
    // eslint-disable-next-line no-new
    new uPlot(
      {
        width,
        height: 220,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true, points: { show: true, size: 5 } }))],
        axes: [{}, { size: 50 }],
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
      },
      [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
      plot,
    );
  };
  requestAnimationFrame(draw);
  return figure;
}
