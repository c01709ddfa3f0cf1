/** Strings of the auth pages: sign-in, set-up, sign-up, invitations, e-mail verification, password reset. */
const es = {
  signIn: { title: 'Iniciar sesión', submit: 'Entrar', forgot: '¿Has olvidado tu contraseña?', createOrganization: 'Crear una organización', twoFactorCode: 'Código de verificación en dos pasos' },
};
const en: typeof es = {
  signIn: { title: 'Sign in', submit: 'Sign in', forgot: 'Forgot your password?', createOrganization: 'Create an organization', twoFactorCode: 'Two-factor code' },
};
export const authMessages = { es, en };
