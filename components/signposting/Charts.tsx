import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'preact/hooks';
import { monthInWords } from '@/lib/monitoring/record';
import { countInWords, grandTotal, shareInWords, topTools, totalsByCondition, totalsByEndorser, totalsByMonth, type Tally, type Total } from '@/lib/monitoring/report';

// The four charts of My signposting and of the practice view (docs/monitoring.md): per month, by
// condition, by who endorsed the tools, and the top tools. Each is an SVG drawn by Observable Plot
// (loaded by this page only), named for screen readers, with the same figures in a table beside it.
// Every bar carries its number as text: meaning is never in the bar's length or colour alone.

const BAR_COLOUR = '#005eb8';
const RANGE_COLOUR = '#212b32';

interface Row extends Total {
  text: string;
}

interface ChartSpec {
  id: string;
  title: string;
  /** The table's first column. */
  what: string;
  rows: Row[];
  /** Months run left to right; everything else is a ranked list of bars. */
  vertical?: boolean;
  /** A share of all signpostings in the table, for who endorsed them. */
  shareOf?: Total;
}

function PlotSvg({ spec }: { spec: ChartSpec }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const { rows } = spec;
    const ranges = rows.filter((row) => row.max > row.min);
    const longest = Math.max(...rows.map((row) => row.label.length), 4);
    // Whole signpostings only: no 0.5 on the axis.
    const countAxis = { label: 'Signpostings', grid: true, ticks: Math.min(Math.max(...rows.map((row) => row.max)), 8), tickFormat: 'd' } as const;
    const svg = spec.vertical
      ? Plot.plot({
          document,
          height: 240,
          marginBottom: 48,
          x: { label: null, tickRotate: rows.length > 6 ? -30 : 0 },
          y: countAxis,
          marks: [
            Plot.barY(rows, { x: 'label', y: 'min', fill: BAR_COLOUR }),
            Plot.tickY(ranges, { x: 'label', y: 'max', stroke: RANGE_COLOUR, strokeWidth: 2 }),
            Plot.text(rows, { x: 'label', y: 'max', text: 'text', dy: -8, fill: 'currentColor' }),
            Plot.ruleY([0]),
          ],
        })
      : Plot.plot({
          document,
          height: 40 + rows.length * 28,
          marginLeft: Math.min(12 + longest * 7, 260),
          marginRight: 110,
          x: countAxis,
          y: { label: null, domain: rows.map((row) => row.label) },
          marks: [
            Plot.barX(rows, { y: 'label', x: 'min', fill: BAR_COLOUR }),
            Plot.tickX(ranges, { y: 'label', x: 'max', stroke: RANGE_COLOUR, strokeWidth: 2 }),
            Plot.text(rows, { y: 'label', x: 'max', text: 'text', dx: 6, textAnchor: 'start', fill: 'currentColor' }),
            Plot.ruleX([0]),
          ],
        });
    // One image for assistive technology, named after the table that holds its figures. Plot
    // names its mark groups too; inside an image they would be ignored, and axe flags them.
    for (const part of svg.querySelectorAll('[aria-label], [aria-description]')) {
      part.removeAttribute('aria-label');
      part.removeAttribute('aria-description');
    }
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${spec.title}: bar chart. The same figures are in the table "${spec.title}" below it.`);
    element.replaceChildren(svg);
    return () => element.replaceChildren();
  }, [spec]);
  return <div class="chart" ref={holder} />;
}

function Figure({ spec }: { spec: ChartSpec }) {
  return (
    <figure class="chart-figure" aria-labelledby={`${spec.id}-title`}>
      <figcaption id={`${spec.id}-title`}>{spec.title}</figcaption>
      {spec.rows.length === 0 ? <p>Nothing to show yet.</p> : <PlotSvg spec={spec} />}
      {spec.rows.length > 0 && (
        <details class="chart-table">
          <summary>
            Show as a table<span class="sr-only">: {spec.title}</span>
          </summary>
          <table>
            <caption>{spec.title}</caption>
            <thead>
              <tr>
                <th scope="col">{spec.what}</th>
                <th scope="col">Signpostings</th>
                {spec.shareOf && <th scope="col">Share of all</th>}
              </tr>
            </thead>
            <tbody>
              {spec.rows.map((row) => (
                <tr key={row.label}>
                  <th scope="row">{row.label}</th>
                  <td>{row.text}</td>
                  {spec.shareOf && <td>{shareInWords(row, spec.shareOf)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

interface ChartsProps {
  tallies: readonly Tally[];
  /** Practice figures hide counts that could be below 5; the clinician's own are exact. */
  hideSmall: boolean;
  idPrefix: string;
}

export function SignpostingCharts({ tallies, hideSmall, idPrefix }: ChartsProps) {
  const withText = (totals: Total[]): Row[] => totals.map((total) => ({ ...total, text: countInWords(total, hideSmall) }));
  const total = grandTotal(tallies);
  const specs: ChartSpec[] = [
    { id: `${idPrefix}-months`, title: 'Signpostings per month', what: 'Month', vertical: true, rows: withText(totalsByMonth(tallies).map((row) => ({ ...row, label: monthInWords(row.label) }))) },
    { id: `${idPrefix}-conditions`, title: 'By condition', what: 'Condition', rows: withText(totalsByCondition(tallies)) },
    { id: `${idPrefix}-endorsers`, title: 'Endorsed by NICE, charities or local networks', what: 'Endorsed by', rows: withText(totalsByEndorser(tallies)), shareOf: total },
    { id: `${idPrefix}-tools`, title: 'Top tools', what: 'Tool', rows: withText(topTools(tallies)) },
  ];
  return (
    <div class="charts">
      <p class="total">
        All signpostings: <strong>{countInWords(total, hideSmall)}</strong>
      </p>
      {specs.map((spec) => (
        <Figure key={spec.id} spec={spec} />
      ))}
    </div>
  );
}
