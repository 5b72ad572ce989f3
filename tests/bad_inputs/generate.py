#!/usr/bin/env python3
# Regenerates the corpus files and cases.toml (run from tests/bad_inputs/). Edit here, not the files.
import os
cases = []   # (file, code, fragment, modes)
oks = []     # (file, fragment-or-empty)
def w(name, content, mode='w'):
    if isinstance(content, bytes):
        open(name, 'wb').write(content)
    else:
        open(name, 'w', newline='').write(content)
def case(name, content, code, frag, modes=None):
    if content is not None:
        w(name, content)
    cases.append((name, code, frag, modes))
H = 'name = "bad"\nruns = 2\nsteps = 3\n'
# --- scenario syntax
case('syntax_unclosed_string.toml', 'name = "bad\nsteps = 3\n', 2, 'invalid TOML')
case('syntax_missing_equals.toml', H + 'seed 7\n', 2, 'syntax_missing_equals.toml:4:')
case('syntax_duplicate_key.toml', H + 'steps = 4\n', 2, 'invalid TOML')
case('syntax_unclosed_table.toml', H + '[learning\nrate = 0.1\n', 2, 'invalid TOML')
case('syntax_bad_inline_table.toml', H + '[agents]\nlearning = { dist = "beta", a = 2,, b = 2 }\n', 2, 'invalid TOML')
case('empty.toml', '', 2, 'empty scenario file')
case('only_comments.toml', '# nothing here\n\n   \n', 2, 'empty scenario file')
case('not_utf8.toml', b'name = "caf\xe9"\nsteps = 3\n', 2, 'not UTF-8')
case('utf16.toml', '\ufeffname = "x"\n'.encode('utf-16-le'), 2, 'not UTF-8')
# --- unknown keys
case('unknown_key_learning_rat.toml', H + '[learning]\nrat = 0.1\n', 2, 'did you mean `learning.rate`?')
case('unknown_key_top_level.toml', H + 'stpes = 10\n', 2, 'did you mean `steps`?')
case('unknown_table.toml', H + '[lerning]\nrate = 0.1\n', 2, 'did you mean `learning`?')
case('unknown_key_pilot.toml', H + '[central]\nmode = "pilot"\n[central.pilot]\nsite = 3\n', 2, 'did you mean `central.pilot.sites`?')
case('unknown_key_far.toml', H + '[adapt]\nzzzzzzzz = 1\n', 2, 'valid keys in [adapt]')
# --- wrong types
case('wrong_type_steps_string.toml', 'name = "bad"\nsteps = "ten"\n', 2, 'key `steps`: expected a whole number')
case('wrong_type_rate_bool.toml', H + '[learning]\nrate = true\n', 2, 'key `learning.rate`: expected a number')
case('wrong_type_n_float.toml', H + '[network]\nn = 10.5\n', 2, 'key `network.n`')
case('wrong_type_levels_table.toml', H + '[network]\nkind = "hierarchy"\nlevels = 3\n', 2, 'key `network.levels`')
case('wrong_type_name_number.toml', 'name = 5\n', 2, 'key `name`')
# --- ranges
case('prob_above_one.toml', H + '[learning]\nrate = 1.5\n', 2, 'key `learning.rate`: must be in [0, 1], got 1.5')
case('prob_negative.toml', H + '[innovation]\nrate = -0.1\n', 2, 'key `innovation.rate`: must be in [0, 1]')
case('prob_nan.toml', H + '[competition]\nrate = nan\n', 2, 'key `competition.rate`: must be in [0, 1], got NaN')
case('noise_infinite.toml', H + '[adapt]\nnoise = inf\n', 2, 'key `adapt.noise`')
case('negative_count.toml', H + '[initial]\ncount = -5\n', 2, 'key `initial.count`')
case('negative_n.toml', H + '[network]\nn = -10\n', 2, 'key `network.n`')
case('steps_zero.toml', 'name = "bad"\nsteps = 0\n', 2, 'key `steps`: must be >= 1, got 0')
case('runs_zero.toml', 'name = "bad"\nruns = 0\n', 2, 'key `runs`: must be >= 1, got 0')
case('beta_a_zero.toml', H + '[agents]\nlearning = { dist = "beta", a = 0, b = 2 }\n', 2, 'beta parameters must be finite and > 0')
case('beta_b_negative.toml', H + '[innovation]\nquality = { dist = "beta", a = 2, b = -1 }\n', 2, 'key `innovation.quality`')
case('unknown_distribution.toml', H + '[agents]\nlearning = { dist = "gamma", a = 2 }\n', 2, 'agents.learning')
case('pilot_sites_more_than_units.toml', H + '[network]\nn = 20\n[central]\nmode = "pilot"\n[central.pilot]\nsites = 50\n', 2, 'key `central.pilot.sites`: must be at most the number of governments (network.n = 20), got 50')
case('pilot_sites_more_than_units_hierarchy.toml', H + '[network]\nkind = "hierarchy"\nk = 1\nlevels = [{ name = "province", count = 4 }]\n[central]\nmode = "pilot"\n[central.pilot]\nsites = 9\n', 2, 'central.pilot.sites`: must be at most the number of governments (4 in the network), got 9')
case('pilot_sites_zero.toml', H + '[central]\nmode = "pilot"\n[central.pilot]\nsites = 0\n', 2, 'central.pilot.sites')
case('unknown_selection.toml', H + '[central]\nmode = "pilot"\n[central.pilot]\nselection = "best"\n', 2, 'unknown value "best"')
case('representative_without_regions.toml', H + '[central]\nmode = "pilot"\n[central.pilot]\nselection = "representative"\n', 2, 'needs regions')
case('unknown_model.toml', H + 'model = "sir"\n', 2, 'key `model`: unknown value "sir"')
case('unknown_network_kind.toml', H + '[network]\nkind = "small_world"\n', 2, 'key `network.kind`: unknown value "small_world"')
case('unknown_mode_close.toml', H + '[central]\nmode = "pilots"\n', 2, 'did you mean "pilot"?')
case('initial_count_above_n.toml', H + '[network]\nn = 10\n[initial]\ncount = 11\n', 2, 'key `initial.count`: must be at most network.n = 10')
case('initial_count_and_share.toml', H + '[initial]\ncount = 2\nshare = 0.1\n', 2, 'give at most one of count, share and file')
case('name_with_slash.toml', 'name = "../escape"\n', 2, 'safe folder name')
case('seed_too_large.toml', H.replace('runs = 2\n', '') + 'seed = 18446744073709551615\n', 2, 'seed_too_large.toml:3:1: key `seed`: must be at most')
case('expand_factor_one.toml', H + '[central]\nmode = "pilot"\n[central.pilot]\npromotion = "expand"\nexpand_factor = 1.0\n', 2, 'central.pilot.expand_factor')
case('column_without_nodes.toml', H + '[agents]\nlearning = { from = "capacity" }\n', 2, 'network.nodes (the node CSV) is not set')
case('directed_not_file.toml', H + '[network]\ndirected = true\n', 2, 'network.directed = true')
case('erdos_renyi_no_p.toml', H + '[network]\nkind = "erdos_renyi"\n', 2, 'network.p or network.mean_degree is missing')
case('erdos_renyi_p_above_one.toml', H + '[network]\nkind = "erdos_renyi"\np = 2.0\n', 2, 'network.p')
case('ring_k_too_big.toml', H + '[network]\nkind = "ring"\nn = 5\nk = 8\n', 2, 'network.k')
case('same_parent_without_parents.toml', H + '[competition]\nrate = 0.2\nrivals = "same_parent"\n', 2, 'needs parents')
case('file_kind_without_edges.toml', H + '[network]\nkind = "file"\n', 2, 'network.edges')
case('quality_from_column.toml', H + '[network]\nkind = "file"\nedges = "data/edges_ab.csv"\nnodes = "data/nodes_trait_ok.csv"\n[innovation]\nquality = { from = "capacity" }\n', 2, 'key `innovation.quality`: is drawn for each new variant')
w('data/nodes_trait_ok.csv', 'id,capacity\na,0.5\nb,0.7\nc,0.2\n')
# --- resource limits
case('huge_complete.toml', H + '[network]\nn = 4000000000\n', 2, 'needs about')
case('huge_barabasi_albert.toml', H + '[network]\nkind = "barabasi_albert"\nn = 2000000000\nm = 2\n', 2, 'available')
case('huge_steps.toml', 'name = "bad"\nruns = 2000\nsteps = 4000000000\n', 2, 'needs about')
# --- data files: edges
os.makedirs('data', exist_ok=True)
def filecase(name, net, code, frag, extra=''):
    case(name, H + '[network]\nkind = "file"\n' + net + extra, code, frag)
w('data/edges_missing_target.csv', 'source,weight\n1,0.5\n')
filecase('edges_missing_column.toml', 'edges = "data/edges_missing_target.csv"\n', 2, 'edges_missing_target.csv:1: missing column "target"')
w('data/nodes_abc.csv', 'id,name,region\na,Alpha,west\nb,Beta,east\nc,Gamma,east\n')
w('data/edges_unknown_id.csv', 'source,target\na,b\nb,zz\n')
filecase('edges_unknown_node_id.toml', 'edges = "data/edges_unknown_id.csv"\nnodes = "data/nodes_abc.csv"\n', 2, 'edges_unknown_id.csv:3: unknown target (got "zz")')
w('data/edges_bad_weight.csv', 'source,target,weight\n1,2,0.5\n2,3,heavy\n')
filecase('edges_non_numeric_weight.toml', 'edges = "data/edges_bad_weight.csv"\n', 2, 'edges_bad_weight.csv:3: column "weight" is not a number (got "heavy")')
w('data/edges_negative_weight.csv', 'source,target,weight\n1,2,-1\n')
filecase('edges_negative_weight.toml', 'edges = "data/edges_negative_weight.csv"\n', 2, 'negative weight')
w('data/empty.csv', '')
filecase('edges_empty_file.toml', 'edges = "data/empty.csv"\n', 2, 'the file is empty')
w('data/blank_lines.csv', '\n\r\n   \n')
filecase('edges_blank_lines_only.toml', 'edges = "data/blank_lines.csv"\n', 2, 'the file is empty')
w('data/edges_header_only.csv', 'source,target\n')
filecase('edges_header_only.toml', 'edges = "data/edges_header_only.csv"\n', 2, 'no edges after the header')
filecase('edges_file_not_found.toml', 'edges = "data/does_not_exist.csv"\n', 2, 'file not found')
w('data/edges_not_utf8.csv', b'source,target\n1,2\n2,M\xfcnchen\n')
filecase('edges_not_utf8.toml', 'edges = "data/edges_not_utf8.csv"\n', 2, 'edges_not_utf8.csv:3: text is not valid UTF-8')
w('data/edges_utf16.csv', '\ufeffsource,target\n1,2\n'.encode('utf-16-le'))
filecase('edges_utf16.toml', 'edges = "data/edges_utf16.csv"\n', 2, 'UTF-16')
w('data/edges_field_count.csv', 'source,target\n1,2\n2,3,4\n')
filecase('edges_wrong_field_count.toml', 'edges = "data/edges_field_count.csv"\n', 2, 'edges_field_count.csv:3: 3 fields')
w('data/edges_empty_endpoint.csv', 'source,target\n1,\n')
filecase('edges_empty_endpoint.toml', 'edges = "data/edges_empty_endpoint.csv"\n', 2, 'empty target')
w('data/edges_dup_header.csv', 'source,target,Source\n1,2,3\n')
filecase('edges_duplicate_column.toml', 'edges = "data/edges_dup_header.csv"\n', 2, 'appears twice')
w('data/edges_unclosed_quote.csv', 'source,target\n"1,2\n2,3\n')
filecase('edges_unclosed_quote.toml', 'edges = "data/edges_unclosed_quote.csv"\n', 2, 'edges_unclosed_quote.csv')
# --- data files: nodes
w('data/edges_ab.csv', 'source,target\na,b\nb,c\n')
w('data/nodes_no_id.csv', 'name,region\na,west\n')
filecase('nodes_missing_id.toml', 'edges = "data/edges_ab.csv"\nnodes = "data/nodes_no_id.csv"\n', 2, 'nodes_no_id.csv:1: missing column "id"')
w('data/nodes_dup_id.csv', 'id\na\nb\na\n')
filecase('nodes_duplicate_id.toml', 'edges = "data/edges_ab.csv"\nnodes = "data/nodes_dup_id.csv"\n', 2, 'nodes_dup_id.csv:4: duplicate id')
w('data/nodes_bad_x.csv', 'id,x,y\na,0.1,0.2\nb,east,0.3\nc,0.5,0.5\n')
case('nodes_non_numeric_x.toml', H + '[network]\nkind = "spatial"\nk = 1\nnodes = "data/nodes_bad_x.csv"\n', 2, 'nodes_bad_x.csv:3: column "x" is not a number (got "east")')
w('data/nodes_only_x.csv', 'id,x\na,0.1\nb,0.2\n')
case('nodes_only_x.toml', H + '[network]\nkind = "spatial"\nk = 1\nnodes = "data/nodes_only_x.csv"\n', 2, 'only one of the columns x and y')
w('data/nodes_no_xy.csv', 'id,region\na,west\nb,east\n')
case('spatial_nodes_without_xy.toml', H + '[network]\nkind = "spatial"\nk = 1\nnodes = "data/nodes_no_xy.csv"\n', 2, 'missing columns "x" and "y"')
w('data/nodes_empty_id.csv', 'id,name\na,A\n,B\n')
filecase('nodes_empty_id.toml', 'edges = "data/edges_ab.csv"\nnodes = "data/nodes_empty_id.csv"\n', 2, 'nodes_empty_id.csv:3: empty id')
w('data/nodes_trait.csv', 'id,capacity\na,0.5\nb,high\nc,0.2\n')
filecase('nodes_trait_non_numeric.toml', 'edges = "data/edges_ab.csv"\nnodes = "data/nodes_trait.csv"\n', 2, 'nodes_trait.csv:3', extra='[agents]\nlearning = { from = "capacity" }\n')
filecase('nodes_trait_column_missing.toml', 'edges = "data/edges_ab.csv"\nnodes = "data/nodes_abc.csv"\n', 2, 'capacity', extra='[agents]\nlearning = { from = "capacity" }\n')
# --- initial adopters file
w('data/initial_unknown.txt', 'a\nb\nnobody\n')
filecase('initial_unknown_node.toml', 'edges = "data/edges_ab.csv"\n', 2, 'initial_unknown.txt:3: unknown node "nobody"', extra='[initial]\nfile = "data/initial_unknown.txt"\n')
w('data/initial_empty.txt', '# no one\n\n')
filecase('initial_empty_file.toml', 'edges = "data/edges_ab.csv"\n', 2, 'no initial adopters listed', extra='[initial]\nfile = "data/initial_empty.txt"\n')
w('data/initial_not_utf8.txt', b'a\n\xff\xfe\n')
filecase('initial_not_utf8.toml', 'edges = "data/edges_ab.csv"\n', 2, 'not UTF-8', extra='[initial]\nfile = "data/initial_not_utf8.txt"\n')
filecase('initial_file_not_found.toml', 'edges = "data/edges_ab.csv"\n', 2, 'initial', extra='[initial]\nfile = "data/no_such_initial.txt"\n')
# --- successes
def ok(name, content, frag=''):
    if content is not None:
        w(name, content)
    oks.append((name, frag))
ok('ok_huge_deadline.toml', 'name = "ok_deadline"\nruns = 2\nsteps = 3\n[central]\nmode = "mandate"\n[central.mandate]\nstart = 1\ndeadline = 4294967295\n')
ok('ok_bom_crlf.toml', '\ufeffname = "ok_bom_crlf"\r\nruns = 2\r\nsteps = 3\r\n[network]\r\nn = 20\r\n')
w('data/edges_bom_crlf.csv', '\ufeffSource,Target,Weight\r\na,b,1\r\nb,c,0.5\r\n\r\n')
w('data/nodes_bom_crlf.csv', '\ufeffid,name,region\r\na,Alpha,west\r\nb,Beta,east\r\nc,Gamma,east\r\n')
w('data/initial_bom_crlf.txt', '\ufeffid\r\nb\r\n')
ok('ok_file_bom_crlf.toml', 'name = "ok_file_bom_crlf"\r\nruns = 2\r\nsteps = 3\r\n[network]\r\nkind = "file"\r\nedges = "data/edges_bom_crlf.csv"\r\nnodes = "data/nodes_bom_crlf.csv"\r\n[initial]\r\nfile = "data/initial_bom_crlf.txt"\r\n')
w('data/edges_loops_dups.csv', 'source,target\n1,1\n1,2\n2,1\n2,3\n')
ok('ok_self_loops_duplicates.toml', 'name = "ok_loops"\nruns = 2\nsteps = 3\n[network]\nkind = "file"\nedges = "data/edges_loops_dups.csv"\n', 'self-loop')
ok('ok_pilot_block_mode_none.toml', 'name = "ok_pilot_none"\nruns = 2\nsteps = 3\n[central.pilot]\nsites = 3\n', 'ignored')
ok('ok_representative_with_regions.toml', 'name = "ok_repr"\nruns = 2\nsteps = 3\n[network]\nkind = "file"\nedges = "data/edges_bom_crlf.csv"\nnodes = "data/nodes_bom_crlf.csv"\n[central]\nmode = "pilot"\n[central.pilot]\nsites = 2\nselection = "representative"\n')

def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
out = ['# Bad inputs run through the real binary by tests/bad_inputs.rs.',
       '# [[case]]: `policysim check FILE` and `policysim run FILE --out TMP/out --quiet` must exit',
       '# with `code`, print `message` on stderr, never panic and create no output.',
       '# [[ok]]: must succeed (exit 0); `check` prints `warning` (if given) on stderr.',
       '# More cases (gigantic lines, generated bytes) are built by the test itself.', '']
for name, code, frag, modes in cases:
    out += ['[[case]]', f'file = {q(name)}', f'code = {code}', f'message = {q(frag)}']
    if modes: out.append('modes = [' + ', '.join(q(m) for m in modes) + ']')
    out.append('')
for name, frag in oks:
    out += ['[[ok]]', f'file = {q(name)}']
    if frag: out.append(f'warning = {q(frag)}')
    out.append('')
open('cases.toml', 'w').write('\n'.join(out))
print(len(cases), 'cases', len(oks), 'ok')
