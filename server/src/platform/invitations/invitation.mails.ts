import { linkMail, type MailLanguage } from '../mail/link-mail.js';

/** The invitation mail, in the organization's default language. */
export function invitationMail(
  language: MailLanguage,
  input: { inviter: string; organization: string; name: string; link: string; days: number },
) {
  if (language === 'en') {
    return {
      subject: `${input.inviter} invited you to ${input.organization} on Clave`,
      ...linkMail({
        greeting: `Hello ${input.name},`,
        paragraphs: [`${input.inviter} invited you to join ${input.organization} on Clave. Open the link to choose your password.`],
        action: 'Accept the invitation',
        link: input.link,
        footer: `The link works for ${input.days} days. If you did not expect this invitation, ignore this e-mail.`,
      }),
    };
  }
  return {
    subject: `${input.inviter} te invita a ${input.organization} en Clave`,
    ...linkMail({
      greeting: `Hola, ${input.name}:`,
      paragraphs: [`${input.inviter} te invita a unirte a ${input.organization} en Clave. Abre el enlace para elegir tu contraseña.`],
      action: 'Aceptar la invitación',
      link: input.link,
      footer: `El enlace es válido durante ${input.days} días. Si no esperabas esta invitación, ignora este correo.`,
    }),
  };
}
