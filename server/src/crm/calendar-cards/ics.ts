import { contentLines, escapeText, icsDateTime } from './text-lines.js';

export interface MeetingForIcs {
  id: string;
  title: string;
  start_at: string;
  end_at: string;
  all_day: boolean;
  location: string | null;
  description: string | null;
  updated_at: string;
}

const dayAfter = (date: string) => {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10).replace(/-/g, '');
};

/** An iCalendar file with the meeting as one event (times in UTC; an all-day meeting as dates). */
export function meetingToIcs(meeting: MeetingForIcs, host: string, now: Date): string {
  const startDate = meeting.start_at.slice(0, 10);
  const endDate = meeting.end_at.slice(0, 10);
  return contentLines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Clave//Clave CRM//ES',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${meeting.id}@${host}`,
    `DTSTAMP:${icsDateTime(now.toISOString())}`,
    `LAST-MODIFIED:${icsDateTime(meeting.updated_at)}`,
    meeting.all_day ? `DTSTART;VALUE=DATE:${startDate.replace(/-/g, '')}` : `DTSTART:${icsDateTime(meeting.start_at)}`,
    meeting.all_day ? `DTEND;VALUE=DATE:${dayAfter(endDate)}` : `DTEND:${icsDateTime(meeting.end_at)}`,
    `SUMMARY:${escapeText(meeting.title)}`,
    meeting.location ? `LOCATION:${escapeText(meeting.location)}` : null,
    meeting.description ? `DESCRIPTION:${escapeText(meeting.description)}` : null,
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
}
