/**
 * Preloaded into a child process (`node --require …/net-recorder.js`): records every outgoing TCP or socket
 * connection the process tries, one line per attempt, in the file named by NET_RECORD. Lets a test prove
 * that a command touched no server at all.
 */
import * as fs from 'fs'
import * as net from 'net'

const file = process.env.NET_RECORD
if (file) {
    const connect = net.Socket.prototype.connect as (...args: any[]) => net.Socket
    net.Socket.prototype.connect = function (this: net.Socket, ...args: any[]) {
        const a = args[0]
        const target = typeof a === 'object' && a != null ? (a.path ?? `${a.host ?? 'localhost'}:${a.port}`) : String(a)
        fs.appendFileSync(file, `${target}\n`)
        return connect.apply(this, args)
    } as typeof net.Socket.prototype.connect
}
