import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import './styles.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import { loadConfig, setUnauthorizedHandler } from './api/client'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
setUnauthorizedHandler(() => {
  const here = router.currentRoute.value
  if (here.name !== 'login') router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
})
loadConfig().finally(() => app.mount('#app'))
