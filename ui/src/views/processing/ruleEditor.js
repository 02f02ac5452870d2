import { reactive, ref } from 'vue'
import { showError } from '../../components/feedback'

// The editing loop both rule pages share (review rules, fulfilment strategies): the whole list is published
// at once under the version it was read at, so a stale version (someone else saved first) is refused and the
// page reloads; the dialog adds or edits one rule of `rows()`.
//   fetch(): the configuration; save(version, rules): the new configuration; rows(config): the rules shown;
//   blank(rows) / toForm(rule) / toRule(form): the dialog's form; savedText(answer), changedReason.
export function useRuleEditor({ initial, fetch, save, rows, blank, toForm, toRule, savedText, changedReason }) {
  const config = ref(initial)
  const loading = ref(false)
  const saving = ref(false)
  const error = ref(null)
  const current = () => rows(config.value) || []

  async function load() {
    loading.value = true
    error.value = null
    try { config.value = await fetch() } catch (err) { error.value = err } finally { loading.value = false }
  }

  async function publish(next) {
    saving.value = true
    try {
      const answer = await save(config.value.version, next)
      config.value = answer
      ElMessage.success(savedText(answer))
      return true
    } catch (err) {
      showError(err)
      if (err.reason === changedReason) load()
      return false
    } finally { saving.value = false }
  }

  const dialog = reactive({ open: false, index: null, form: blank([]) })
  function open(index) {
    Object.assign(dialog, { open: true, index, form: index === null ? blank(current()) : toForm(current()[index]) })
  }
  async function saveDialog() {
    const next = [...current()]
    if (dialog.index === null) next.push(toRule(dialog.form))
    else next[dialog.index] = toRule(dialog.form)
    if (await publish(next)) dialog.open = false
  }
  function toggle(index) {
    publish(current().map((r, i) => (i === index ? { ...r, enabled: !r.enabled } : r)))
  }
  function move(index, step) {
    const next = [...current()]
    const [rule] = next.splice(index, 1)
    next.splice(index + step, 0, rule)
    publish(next)
  }
  async function remove(index, label, title) {
    try { await ElMessageBox.confirm(label, title, { type: 'warning' }) } catch { return }
    publish(current().filter((_, i) => i !== index))
  }

  return { config, loading, saving, error, load, publish, dialog, open, saveDialog, toggle, move, remove }
}
