// The list + create/edit dialog shared by the categories, brands and suppliers pages.
import { reactive, ref } from 'vue'
import { get, patch, post } from '../../api/client'
import { showError } from '../../components/feedback'
import { t } from '../../i18n'

export function useRecords(path, idField, blank) {
  const items = ref([])
  const loading = ref(false)
  const error = ref(null)
  const dialog = reactive({ open: false, row: null, form: {} })
  async function reload() {
    loading.value = true
    error.value = null
    try {
      let page = await get(path, { limit: 200 })
      const all = [...page.items]
      while (page.cursor && all.length < 2000) {
        page = await get(path, { limit: 200, cursor: page.cursor })
        all.push(...page.items)
      }
      items.value = all
    } catch (err) { error.value = err } finally { loading.value = false }
  }
  function open(row) {
    Object.assign(dialog, { open: true, row, form: row ? JSON.parse(JSON.stringify(row)) : blank() })
  }
  async function save(body) {
    try {
      if (dialog.row) await patch(`${path}/${encodeURIComponent(dialog.row[idField])}`, { ...body, revision: dialog.row.revision })
      else await post(path, body)
      ElMessage.success(t('common.saved'))
      dialog.open = false
      await reload()
      return true
    } catch (err) { showError(err); return false }
  }
  reload()
  return { items, loading, error, dialog, reload, open, save }
}

// "红, 蓝，黑" -> ["红", "蓝", "黑"] (Chinese and ASCII commas)
export function splitValues(text) {
  return (text || '').split(/[,，、]/).map((v) => v.trim()).filter(Boolean)
}
