import { i18n, t } from '../i18n'

// The API's error {code, message, fields, reason} as one readable line: a known reason in the UI's language
// (reasons.<area>.<what>; the processing center's are under errors.<reason> and may name the field).
export function errorText(e) {
  if (!e) return ''
  const fields = (e.fields || []).map((f) => t('common.fieldError', { field: f.field, message: f.message }))
  if (e.reason && i18n.global.te(`reasons.${e.reason}`)) return t(`reasons.${e.reason}`)
  if (e.reason && i18n.global.te(`errors.${e.reason}`)) {
    return [t(`errors.${e.reason}`, { field: ((e.fields || [])[0] || {}).field || '' }), ...fields].join('；')
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
