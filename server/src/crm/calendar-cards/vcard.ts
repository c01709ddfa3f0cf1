import { contentLines, escapeText, icsDateTime } from './text-lines.js';

export interface ContactForVcard {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  title: string | null;
  department: string | null;
  street: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  description: string | null;
  updated_at: string;
}

const value = (text: string | null | undefined) => escapeText(text ?? '');

/** A vCard 3.0 (read by phones, Outlook and Google Contacts alike) for a contact, with its account as ORG. */
export function contactToVcard(contact: ContactForVcard, accountName: string | null): string {
  const fullName = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  const hasAddress = [contact.street, contact.city, contact.state, contact.postal_code, contact.country].some(Boolean);
  return contentLines([
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:urn:uuid:${contact.id}`,
    `N:${value(contact.last_name)};${value(contact.first_name)};;;`,
    `FN:${value(fullName)}`,
    accountName || contact.department ? `ORG:${value(accountName)}${contact.department ? `;${value(contact.department)}` : ''}` : null,
    contact.title ? `TITLE:${value(contact.title)}` : null,
    contact.email ? `EMAIL;TYPE=INTERNET,WORK:${value(contact.email)}` : null,
    contact.phone ? `TEL;TYPE=WORK,VOICE:${value(contact.phone)}` : null,
    contact.mobile ? `TEL;TYPE=CELL:${value(contact.mobile)}` : null,
    hasAddress
      ? `ADR;TYPE=WORK:;;${value(contact.street)};${value(contact.city)};${value(contact.state)};${value(contact.postal_code)};${value(contact.country)}`
      : null,
    contact.description ? `NOTE:${value(contact.description)}` : null,
    `REV:${icsDateTime(contact.updated_at)}`,
    'END:VCARD',
  ]);
}
