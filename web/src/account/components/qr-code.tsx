import { useMemo } from 'react';
import { qrMatrix } from './qr-matrix';

/** A QR code as crisp SVG (dark modules on white, with the standard 4-module quiet zone). */
export function QrCode({ value, size = 196, label }: { value: string; size?: number; label: string }) {
  const { path, modules } = useMemo(() => {
    const matrix = qrMatrix(value);
    const segments: string[] = [];
    matrix.forEach((row, y) => row.forEach((dark, x) => dark && segments.push(`M${x + 4} ${y + 4}h1v1h-1z`)));
    return { path: segments.join(''), modules: matrix.length + 8 };
  }, [value]);
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
      style={{ display: 'block' }}
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
