import { i18n, t } from '../i18n'

// The API's error {code, message, fields} as one readable line.
export function errorText(e) {
  if (!e) return ''
  const fields = (e.fields || []).map((f) => t('common.fieldError', { field: f.field, message: f.message }))
  // a refusal with a stable reason code reads as a sentence in the user's language (its fields follow)
  if (e.reason && i18n.global.te(`errors.${e.reason}`)) {
    return [t(`errors.${e.reason}`, { field: (e.fields[0] || {}).field || '' }), ...fields].join('；')
  }
  return [e.message || String(e), ...fields].join('；')
}

export function showError(e) {
  if (e && e.status === 401) return
  ElMessage({ type: 'error', message: errorText(e), showClose: true, duration: 6000 })
}

export function notFound(e) {
  return e && (e.status === 404 || e.status === 403) && (e.code === 'http_error' || e.code === 'MissingAuthenticationTokenError' || e.code === 'not_found_route')
}
