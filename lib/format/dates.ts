// Dates as a clinician reads them: "20 May 2022", "May 2022", "date not stated", "3 days ago".

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Formats "YYYY", "YYYY-MM" or "YYYY-MM-DD" without inventing the parts a source did not give. */
export function formatPartialDate(value: string | undefined): string {
  if (!value || value === 'unknown') return 'date not stated';
  const [year, month, day] = value.split('-');
  const monthName = month ? MONTHS[Number(month) - 1] : undefined;
  if (day && monthName) return `${Number(day)} ${monthName} ${year}`;
  if (monthName) return `${monthName} ${year}`;
  return year ?? value;
}

export function formatTimestamp(iso: string): string {
  return formatPartialDate(iso.slice(0, 10));
}

/** The last day a partial date can mean, so "review by 2027-03" has passed only after March. */
export function partialDateHasPassed(value: string, now: number): boolean {
  const [year, month, day] = value.split('-').map(Number);
  if (year === undefined || Number.isNaN(year)) return false;
  const end = day ? Date.UTC(year, month! - 1, day + 1) : month ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
  return end <= now;
}

export function relativeAge(then: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - then) / 60_000));
  if (minutes < 2) return 'just now';
  if (minutes < 60) return `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  const days = Math.round(hours / 24);
  if (days < 60) return days === 1 ? '1 day ago' : `${days} days ago`;
  const months = Math.round(days / 30);
  return months < 24 ? `${months} months ago` : `${Math.round(months / 12)} years ago`;
}
