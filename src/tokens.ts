/**
 * Identifiers and types shared by the plugins of studio-abac-ext.
 */

/** The npm package and REST namespace of the extension. */
export const EXTENSION_ID = 'studio-abac-ext';

/** The gettext domain of every user-visible string of the extension. */
export const TRANSLATION_DOMAIN = 'studio_abac_ext';

/** Command IDs, in one place so the palette, menus and tests agree. */
export namespace CommandIDs {
  export const checkServer = `${EXTENSION_ID}:check-server`;
}

/** GET /studio-abac-ext/health */
export interface IHealth {
  name: string;
  version: string;
  serverVersion: string;
}
