/** A contact id as the table holds them: anything else names no contact (404). */
export const CONTACT_ID = /^[A-Za-z0-9_-]{1,64}$/;
