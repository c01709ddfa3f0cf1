import type { Widget } from './api';

/** Widths a widget may take, in columns of 12. */
export const WIDTHS = [3, 4, 6, 8, 12];

/** Lays widgets out in order, left to right, wrapping at 12 columns: what x and y mean on the server. */
export function placeWidgets<T extends Widget>(widgets: T[]): T[] {
  let row = 0;
  let column = 0;
  return widgets.map((widget) => {
    if (column + widget.w > 12) {
      row += 1;
      column = 0;
    }
    const placed = { ...widget, x: column, y: row };
    column += widget.w;
    return placed;
  });
}
