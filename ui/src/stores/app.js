import { defineStore } from 'pinia'
import { setLocale } from '../i18n'

export const useAppStore = defineStore('app', {
  state: () => ({
    locale: localStorage.getItem('oms.locale') || 'zh-CN',
    collapsed: localStorage.getItem('oms.sidebar') === 'collapsed',
  }),
  actions: {
    setLocale(locale) {
      this.locale = locale
      localStorage.setItem('oms.locale', locale)
      setLocale(locale)
    },
    toggleSidebar() {
      this.collapsed = !this.collapsed
      localStorage.setItem('oms.sidebar', this.collapsed ? 'collapsed' : 'open')
    },
  },
})
