import { i18n } from '../i18n'
import { codeText, fieldErrorText, reasonText } from '../i18n/words'

// The API's error {code, reason, message, fields} as one line in the UI's language: the reason's sentence,
// else the code's; the API's own (English) message only when the UI is in English and nothing better exists.
export function errorText(e) {
  if (!e) return ''
  if (typeof e === 'string') return e
  const byReason = reasonText(e.reason)
  if (byReason) return byReason
  const english = i18n.global.locale.value === 'en'
  const byCode = codeText(e.code)
  const fields = (e.fields || []).map((f) => (english ? `${f.field}: ${f.message}` : fieldErrorText(f.field)))
  if (!byCode) return [e.message || String(e), ...fields].join('；')
  const detail = english && e.message && !fields.length ? [e.message] : []
  return [byCode, ...detail, ...fields].join(english ? '; ' : '；')
}

// A per-order result's error ({code, reason, message}) as a line
export const resultErrorText = (err) => (err ? errorText(err) : '')

export function showError(e) {
  if (e && e.status === 401) return
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000 })
}

export function notFound(e) {
  return e && (e.status === 404 || e.status === 403) && (e.code === 'http_error' || e.code === 'MissingAuthenticationTokenError' || e.code === 'not_found_route')
}
