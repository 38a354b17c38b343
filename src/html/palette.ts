/**
 * The page's colours: the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008),
 * distinguishable under the common colour-vision deficiencies. Pass and fail are also told by
 * a word and a symbol, never by colour alone.
 */
export const COLORS = {
  blue: '#0072B2',
  skyBlue: '#56B4E9',
  vermillion: '#D55E00',
  orange: '#E69F00',
  green: '#009E73',
  yellow: '#F0E442',
  purple: '#CC79A7',
  black: '#000000',
  grey: '#777777',
} as const;

/** Pass / fail / advisory / skipped, as used by the banner, the tables and the charts. */
export const STATUS_COLORS = { pass: COLORS.blue, fail: COLORS.vermillion, info: COLORS.grey, skip: COLORS.grey } as const;
