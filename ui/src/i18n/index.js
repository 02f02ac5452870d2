import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import goodsZh from './locales/goods.zh-CN'
import goodsEn from './locales/goods.en'
import workbench from './locales/workbench'
import alerts from './locales/alerts'
import fulfilment from './locales/fulfilment'
import parcels from './locales/parcels'
import exportsText from './locales/exports'
import dropship from './locales/dropship'
import reports from './locales/reports'
import orderEdits from './locales/orderEdits'
import printing from './locales/printing'

// one line per feature area's strings (each file exports { 'zh-CN': {...}, en: {...} })
const AREAS = [
  workbench,
  alerts,
  fulfilment,
  parcels,
  exportsText,
  dropship,
  reports,
  orderEdits,
  printing,
]

// Feature areas keep their strings in their own files (fewer merge conflicts), merged in depth here.
export function merged(base, ...more) {
  const out = { ...base }
  for (const extra of more) {
    for (const [k, v] of Object.entries(extra || {})) {
      out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? merged(out[k], v) : v
    }
  }
  return out
}

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem('oms.locale') || 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: {
    'zh-CN': merged(zhCN, goodsZh, ...AREAS.map((area) => area['zh-CN'])),
    en: merged(en, goodsEn, ...AREAS.map((area) => area.en)),
  },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(locale) {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}

export const t = (...args) => i18n.global.t(...args)
export const te = (...args) => i18n.global.te(...args)
