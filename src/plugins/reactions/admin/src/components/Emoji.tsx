import * as React from 'react';

/** Colour emoji fonts first: the admin's text font stack can map emoji to blank glyphs on Linux. */
const EMOJI_FONTS = '"Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", "Twemoji Mozilla", sans-serif';

export const Emoji = ({ symbol, label }: { symbol: string; label?: string }) => (
  <span role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true} style={{ fontFamily: EMOJI_FONTS }}>
    {symbol}
  </span>
);
