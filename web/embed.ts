/**
 * /embed/embed.js: every element of the embeds, the dashboard and the audit page. One script tag on any
 * page, then e.g. <phala-worker-stats worker="0x…"></phala-worker-stats>. Data from the origin this script
 * came from (or an element's `api` attribute).
 */
import {Audit} from './audit'
import {define} from './base'
import {applySavedTheme, NetworkStats, RecentPayouts, SearchBox, ThemeToggle, TopPools} from './dashboard'
import {AccountPayouts, EmissionElement, PoolStats, WorkerStats} from './widgets'

define('phala-worker-stats', WorkerStats)
define('phala-pool-stats', PoolStats)
define('phala-account-payouts', AccountPayouts)
define('phala-emission', EmissionElement)
define('phala-network-stats', NetworkStats)
define('phala-top-pools', TopPools)
define('phala-recent-payouts', RecentPayouts)
define('phala-search', SearchBox)
define('phala-audit', Audit)
define('phala-theme-toggle', ThemeToggle)
applySavedTheme()
