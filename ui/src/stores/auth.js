import { defineStore } from 'pinia'

const KEY = 'oms.auth'
const RANK = { supplier: -1, viewer: 0, operator: 1, admin: 2 }

function restore() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null')
    if (saved && saved.token && (!saved.expiresAt || new Date(saved.expiresAt) > new Date())) return saved
  } catch { /* nothing saved */ }
  return { token: '', expiresAt: '', user: null }
}

export const useAuthStore = defineStore('auth', {
  state: () => restore(),
  getters: {
    loggedIn: (s) => !!s.token,
    role: (s) => (s.user && s.user.role) || 'viewer',
  },
  actions: {
    set({ token, expires_at, user }) {
      this.token = token
      this.expiresAt = expires_at
      this.user = user
      sessionStorage.setItem(KEY, JSON.stringify({ token, expiresAt: expires_at, user }))
    },
    clear() {
      this.token = ''
      this.expiresAt = ''
      this.user = null
      sessionStorage.removeItem(KEY)
    },
    can(role) {
      // a supplier is outside the ladder: its own pages only, and only it uses them
      if (this.role === 'supplier' || role === 'supplier') return this.role === role
      return RANK[this.role] >= RANK[role || 'viewer']
    },
    home() {
      return this.role === 'supplier' ? '/supplier/orders' : '/dashboard'
    },
  },
})
