// Benchmark-only: decide SimulateCustomPolicy input lines (JSON, one per line) with
// @cloud-copilot/iam-simulate, in process, and print {"lines", "seconds", "decisions"} as JSON.
// Usage: node simulate.mjs LINES.jsonl [--unsafe]   (see ../bench_simulate_cli.py)
import { readFileSync } from 'node:fs'
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const [file, flag] = process.argv.slice(2)
const run = flag === '--unsafe' ? runUnsafeSimulation : runSimulation
const DECISIONS = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' }

function accountOf(arn) {
  const parts = arn.split(':')
  return parts.length > 4 && parts[4] ? parts[4] : undefined
}

function simulation(input) {
  const context = {}
  for (const entry of input.ContextEntries ?? []) {
    context[entry.ContextKeyName] = entry.ContextKeyType.endsWith('List')
      ? entry.ContextKeyValues
      : entry.ContextKeyValues[0]
  }
  const resource = input.ResourceArns[0]
  return {
    identityPolicies: input.PolicyInputList.map((text, i) => ({ name: `p${i}`, policy: JSON.parse(text) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      principal: input.CallerArn,
      action: input.ActionNames[0],
      resource: { resource, accountId: accountOf(resource) ?? accountOf(input.CallerArn) },
      contextVariables: context
    }
  }
}

const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim())
const decisions = []
const started = process.hrtime.bigint()
for (const line of lines) {
  const result = await run(simulation(JSON.parse(line)), {})
  if (result.resultType === "error" && process.env.SHOW_ERRORS) console.error(JSON.stringify(result.errors).slice(0, 400)); decisions.push(result.resultType === "error" ? "error" : DECISIONS[result.overallResult] ?? result.overallResult)
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9
process.stdout.write(JSON.stringify({ lines: lines.length, seconds, decisions }) + '\n')
