/**
 * JSON.parse keeps the last of two equal keys in an object ({"count":1,"count":9} is {"count":9}). A script
 * line with a repeated key is ambiguous, so the reader refuses it: this scan finds the first repeated key of
 * any object of an already valid JSON text and returns its path (e.g. "events[2].args.amount").
 */

/** the path of the first key that appears twice in the same object, or null; `text` must be valid JSON */
export function duplicateKey(text: string): string | null {
    // fast path: no object can repeat a key when the text has at most one key
    if (text.indexOf('":') === text.lastIndexOf('":')) return null
    type Frame = {keys: Set<string> | null; path: string; index: number; key: string | null}
    const stack: Frame[] = []
    let i = 0
    const n = text.length
    const childPath = (f: Frame | undefined): string => {
        if (!f) return ''
        if (f.keys === null) return `${f.path}[${f.index}]`
        return f.path ? `${f.path}.${f.key}` : (f.key ?? '')
    }
    const readString = (): string => {
        // text[i] === '"'
        let j = i + 1
        let hasEscape = false
        while (j < n && text[j] !== '"') {
            if (text[j] === '\\') {
                hasEscape = true
                j += 2
            } else j++
        }
        const raw = text.slice(i, j + 1)
        i = j + 1
        return hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1)
    }
    let expectKey = false
    while (i < n) {
        const c = text[i]
        if (c === '{') {
            stack.push({keys: new Set(), path: childPath(stack[stack.length - 1]), index: 0, key: null})
            expectKey = true
            i++
        } else if (c === '[') {
            stack.push({keys: null, path: childPath(stack[stack.length - 1]), index: 0, key: null})
            expectKey = false
            i++
        } else if (c === '}' || c === ']') {
            stack.pop()
            i++
        } else if (c === ',') {
            const top = stack[stack.length - 1]
            if (top.keys === null) top.index++
            else expectKey = true
            i++
        } else if (c === '"') {
            const s = readString()
            const top = stack[stack.length - 1]
            if (expectKey && top?.keys) {
                expectKey = false
                const path = top.path ? `${top.path}.${s}` : s
                if (top.keys.has(s)) return path
                top.keys.add(s)
                top.key = s
            }
        } else i++
    }
    return null
}
