import { linkMail, noticeMail, type MailLanguage } from '../mail/link-mail.js';

/** The mail that confirms a person owns a newly added address. */
export function verificationMail(language: MailLanguage, input: { name: string; email: string; link: string; hours: number }) {
  if (language === 'en') {
    return {
      subject: 'Confirm your e-mail address for Clave',
      ...linkMail({
        greeting: `Hello ${input.name},`,
        paragraphs: [`You added ${input.email} to your Clave account. Open the link to confirm that the address is yours.`],
        action: 'Confirm the address',
        link: input.link,
        footer: `The link works for ${input.hours} hours. If you did not add this address, ignore this e-mail.`,
      }),
    };
  }
  return {
    subject: 'Confirma tu dirección de correo para Clave',
    ...linkMail({
      greeting: `Hola, ${input.name}:`,
      paragraphs: [`Has añadido ${input.email} a tu cuenta de Clave. Abre el enlace para confirmar que la dirección es tuya.`],
      action: 'Confirmar la dirección',
      link: input.link,
      footer: `El enlace es válido durante ${input.hours} horas. Si no has añadido esta dirección, ignora este correo.`,
    }),
  };
}

/** Tells the former primary address that sign-in now uses another one. */
export function primaryChangedMail(language: MailLanguage, input: { name: string; newEmail: string }) {
  if (language === 'en') {
    return {
      subject: 'Your Clave sign-in address changed',
      ...noticeMail({
        greeting: `Hello ${input.name},`,
        paragraphs: [
          `Your primary address is now ${input.newEmail}; sign in with it from now on.`,
          'If you did not make this change, tell your administrator at once.',
        ],
      }),
    };
  }
  return {
    subject: 'Ha cambiado tu dirección de acceso a Clave',
    ...noticeMail({
      greeting: `Hola, ${input.name}:`,
      paragraphs: [
        `Tu dirección principal es ahora ${input.newEmail}; a partir de ahora, inicia sesión con ella.`,
        'Si no has hecho este cambio, avisa enseguida a tu administrador.',
      ],
    }),
  };
}
