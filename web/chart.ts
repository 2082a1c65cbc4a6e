/** uPlot charts inside a shadow root, coloured from the element's theme */
import uPlot from 'uplot'

export interface Series {
    label: string
    values: (number | null)[]
    kind?: 'bars' | 'line' | 'dashed'
    color?: 'accent' | 'accent2' | 'muted' | 'warn'
    /** value shown in the legend / tooltip */
    format?: (v: number) => string
}

function cssVar(el: Element, name: string): string {
    return getComputedStyle(el).getPropertyValue(name).trim() || '#888'
}

/** draws `series` over x (unix seconds) into `target`; resized with it */
export function chart(target: HTMLElement, host: HTMLElement, x: number[], series: Series[], height = 180, yLabel?: (v: number) => string): uPlot {
    const fg = cssVar(host, '--muted')
    const grid = cssVar(host, '--line')
    const axis = {stroke: fg, grid: {stroke: grid, width: 1}, ticks: {stroke: grid, width: 1}, font: '11px system-ui,sans-serif'}
    const width = Math.max(240, target.clientWidth || host.clientWidth - 36)
    const opts: uPlot.Options = {
        width,
        height,
        legend: {show: true},
        cursor: {points: {size: 6}},
        scales: {x: {time: true}},
        axes: [{...axis}, {...axis, size: 64, values: (_u, vals) => vals.map(v => (yLabel ? yLabel(v) : String(v)))}],
        series: [
            {},
            ...series.map(s => {
                const color = cssVar(host, `--${s.color ?? 'accent'}`)
                return {
                    label: s.label,
                    stroke: color,
                    width: s.kind === 'bars' ? 0 : 2,
                    dash: s.kind === 'dashed' ? [6, 4] : undefined,
                    fill: s.kind === 'bars' ? color : undefined,
                    paths: s.kind === 'bars' ? uPlot.paths.bars!({size: [0.7, 40]}) : undefined,
                    points: {show: false},
                    value: (_u: uPlot, v: number | null) => (v == null ? '—' : s.format ? s.format(v) : String(v)),
                }
            }),
        ],
    }
    const u = new uPlot(opts, [x, ...series.map(s => s.values)] as uPlot.AlignedData, target)
    if (typeof ResizeObserver === 'function') {
        new ResizeObserver(() => {
            const w = target.clientWidth
            if (w > 0 && Math.abs(w - u.width) > 4) u.setSize({width: w, height})
        }).observe(target)
    }
    return u
}

/** a small area sparkline as inline SVG */
export function sparkline(values: number[]): string {
    if (values.length < 2) return ''
    const max = Math.max(...values, 1e-12)
    const w = 300
    const h = 42
    const pts = values.map((v, i) => [(i / (values.length - 1)) * w, h - 2 - (v / max) * (h - 6)])
    const line = pts.map((p, i) => `${i ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('')
    return `<svg class="spark" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="payouts per day, last ${values.length} days"><path class="area" d="${line}L${w},${h}L0,${h}Z"/><path class="line" d="${line}"/></svg>`
}
