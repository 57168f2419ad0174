import qrcode from 'qrcode-generator';
import { useMemo } from 'preact/hooks';

// A QR code drawn as SVG rectangles from the library's module matrix: no markup strings are
// ever parsed, and it stays black on white in dark mode, as scanners need.

const QUIET_ZONE = 4;

/** Dark modules as horizontal runs, one rectangle per run. */
export function qrRuns(text: string): { size: number; runs: { x: number; y: number; width: number }[] } {
  const code = qrcode(0, 'M');
  // URLs are ASCII once normalised by URL (non-ASCII paths are percent-encoded), so byte mode is exact.
  code.addData(text, 'Byte');
  code.make();
  const count = code.getModuleCount();
  const runs: { x: number; y: number; width: number }[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (!code.isDark(row, col)) continue;
      const start = col;
      while (col + 1 < count && code.isDark(row, col + 1)) col++;
      runs.push({ x: start + QUIET_ZONE, y: row + QUIET_ZONE, width: col - start + 1 });
    }
  }
  return { size: count + 2 * QUIET_ZONE, runs };
}

export function QrCode({ link, pixels = 176 }: { link: string; pixels?: number }) {
  const { size, runs } = useMemo(() => qrRuns(new URL(link).href), [link]);
  return (
    <svg class="qr" role="img" aria-label={`QR code for ${link}`} viewBox={`0 0 ${size} ${size}`} width={pixels} height={pixels} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#ffffff" />
      {runs.map((run) => (
        <rect key={`${run.x},${run.y}`} x={run.x} y={run.y} width={run.width} height={1} fill="#000000" />
      ))}
    </svg>
  );
}
