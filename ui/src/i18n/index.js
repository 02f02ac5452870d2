import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import workbench from './locales/workbench'

// section by section: workbench.js adds keys to the sections of zh-CN.js / en.js without rewriting them
function merged(base, extra) {
  const out = { ...base }
  for (const [key, value] of Object.entries(extra || {})) {
    out[key] = value && typeof value === 'object' && !Array.isArray(value) ? merged(base[key] || {}, value) : value
  }
  return out
}

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem('oms.locale') || 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': merged(zhCN, workbench['zh-CN']), en: merged(en, workbench.en) },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(locale) {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}

export const t = (...args) => i18n.global.t(...args)
