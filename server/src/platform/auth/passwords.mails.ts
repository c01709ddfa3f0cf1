import { linkMail, type MailLanguage } from '../mail/link-mail.js';

/** The password-reset mail. */
export function passwordResetMail(language: MailLanguage, input: { name: string; link: string; minutes: number }) {
  if (language === 'en') {
    return {
      subject: 'Reset your Clave password',
      ...linkMail({
        greeting: `Hello ${input.name},`,
        paragraphs: ['Someone asked to reset the password of your Clave account. Open the link to choose a new one.'],
        action: 'Choose a new password',
        link: input.link,
        footer: `The link works for ${input.minutes} minutes and only once. If you did not ask for it, ignore this e-mail: your password stays as it is.`,
      }),
    };
  }
  return {
    subject: 'Restablece tu contraseña de Clave',
    ...linkMail({
      greeting: `Hola, ${input.name}:`,
      paragraphs: ['Alguien ha pedido restablecer la contraseña de tu cuenta de Clave. Abre el enlace para elegir una nueva.'],
      action: 'Elegir una contraseña nueva',
      link: input.link,
      footer: `El enlace es válido durante ${input.minutes} minutos y una sola vez. Si no lo has pedido, ignora este correo: tu contraseña no cambia.`,
    }),
  };
}
