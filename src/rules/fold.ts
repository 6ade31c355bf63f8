/**
 * Case folding for `equals-ignore-case` and the ignore-case prefix/suffix: full-string Unicode mapping
 * (`"école"` = `"ÉCOLE"`, `"straße"` = `"STRASSE"`), not ASCII-only. Lower then upper maps `ß`, `ẞ` and `SS`
 * to one form and the Greek final sigma to `Σ`.
 */
export function fold(text: string): string {
  return text.toLowerCase().toUpperCase();
}
