/** `jane@example.com` → `j***@example.com`: enough for a person to recognise, not to contact. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** `+15555550123` → `+1******0123`: country code and last four digits only. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '***';
  const countryCodeLength = phone.startsWith('+1') ? 2 : 3;
  return `${phone.slice(0, countryCodeLength)}${'*'.repeat(phone.length - countryCodeLength - 4)}${phone.slice(-4)}`;
}
