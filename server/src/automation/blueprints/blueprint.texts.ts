import type { MailLanguage } from '../../platform/mail/link-mail.js';

type Vars = { record: string; blueprint: string; state: string; hours: number };

const OVERDUE = {
  es: (v: Vars) => ({
    title: `Plazo vencido: ${v.record}`,
    body: `${v.blueprint}: lleva más de ${v.hours} h en «${v.state}». Toca el siguiente paso.`,
  }),
  en: (v: Vars) => ({
    title: `Time limit passed: ${v.record}`,
    body: `${v.blueprint}: it has been in “${v.state}” for more than ${v.hours} h. The next step is due.`,
  }),
};

/** The in-app notification of a record that stayed in a Blueprint state past its time limit. */
export function overdueText(language: MailLanguage, vars: Vars) {
  return OVERDUE[language](vars);
}

/** The message of the 409 a direct change of a Blueprint's field gets. */
export function lockedFieldMessage(language: string, vars: { blueprint: string; field: string }) {
  return language === 'en'
    ? `The field “${vars.field}” follows the Blueprint “${vars.blueprint}”: change it with one of its transitions on the record page.`
    : `El campo «${vars.field}» sigue el Blueprint «${vars.blueprint}»: cámbialo con una de sus transiciones en la ficha del registro.`;
}
