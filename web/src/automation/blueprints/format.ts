/** How long since a moment, in whole days and hours, hours and minutes, or minutes (the panel's "in this state for"). */
export function elapsedParts(
  fromIso: string,
  now = Date.now(),
): { unit: 'days' | 'hours' | 'minutes'; days: number; hours: number; minutes: number } {
  const minutesTotal = Math.max(0, Math.floor((now - new Date(fromIso).getTime()) / 60_000));
  const days = Math.floor(minutesTotal / 1440);
  const hours = Math.floor((minutesTotal % 1440) / 60);
  const minutes = minutesTotal % 60;
  return { unit: days > 0 ? 'days' : hours > 0 ? 'hours' : 'minutes', days, hours, minutes };
}
