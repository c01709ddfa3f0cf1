import type { TFunction } from 'i18next';
import type { Profile } from '../hooks/use-profiles';

// The names and descriptions the server gives the built-in profiles; an admin may rename them.
const BUILTIN_DEFAULTS = {
  administrator: { name: 'Administrator', description: 'Full access, including Settings.' },
  standard: { name: 'Standard', description: 'Works with records; no import, export or Settings.' },
} as const;

/** A profile's name, translated while a built-in profile keeps the name it was created with. */
export function profileName(profile: Pick<Profile, 'name' | 'builtin'>, t: TFunction): string {
  return profile.builtin && profile.name === BUILTIN_DEFAULTS[profile.builtin].name
    ? t(`settings:profiles.builtinNames.${profile.builtin}`)
    : profile.name;
}

/** A profile's description, translated on the same terms as its name. */
export function profileDescription(profile: Pick<Profile, 'description' | 'builtin'>, t: TFunction): string | null {
  return profile.builtin && profile.description === BUILTIN_DEFAULTS[profile.builtin].description
    ? t(`settings:profiles.builtinDescriptions.${profile.builtin}`)
    : profile.description;
}
