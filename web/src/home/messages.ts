/** Strings of the home page. */
const es = {
  greeting: { morning: 'Buenos días, {{name}}', afternoon: 'Buenas tardes, {{name}}', evening: 'Buenas noches, {{name}}' },
  subtitle: 'Estás en {{organization}}.',
  quickLinks: 'Accesos rápidos',
  links: {
    account: { title: 'Mi cuenta', body: 'Tu perfil, idioma, zona horaria, correos y seguridad.' },
    invite: { title: 'Invitar a un compañero', body: 'Envía una invitación por correo para que se una a tu organización.' },
    organization: { title: 'Configuración de la organización', body: 'Nombre, logotipo, idioma, zona horaria, moneda y horario laboral.' },
  },
  modules: {
    title: 'Tu CRM empieza aquí',
    body: 'Muy pronto verás en esta página tus cuentas, contactos, oportunidades y tareas del día. Mientras tanto, deja tu cuenta a punto e invita a tu equipo.',
  },
};
const en: typeof es = {
  greeting: { morning: 'Good morning, {{name}}', afternoon: 'Good afternoon, {{name}}', evening: 'Good evening, {{name}}' },
  subtitle: 'You are in {{organization}}.',
  quickLinks: 'Quick links',
  links: {
    account: { title: 'My account', body: 'Your profile, language, time zone, e-mails and security.' },
    invite: { title: 'Invite a colleague', body: 'Send an e-mail invitation to join your organization.' },
    organization: { title: 'Organization settings', body: 'Name, logo, language, time zone, currency and business hours.' },
  },
  modules: {
    title: 'Your CRM starts here',
    body: 'Soon this page will show your accounts, contacts, deals and today’s tasks. In the meantime, get your account ready and invite your team.',
  },
};
export const homeMessages = { es, en };
