// Builds OpenZeppelin StandardMerkleTrees from the JSON cases on stdin and prints roots and proofs,
// so the Python tree can be checked against the reference implementation at test time.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

const input = JSON.parse(await new Promise((resolve) => {
  let data = "";
  process.stdin.on("data", (chunk) => (data += chunk));
  process.stdin.on("end", () => resolve(data));
}));

const output = input.map(({ types, values, multi }) => {
  const tree = StandardMerkleTree.of(values, types);
  const multiproof = tree.getMultiProof(multi);
  return {
    root: tree.root,
    proofs: values.map((_, i) => tree.getProof(i)),
    multiproof: { leaves: multiproof.leaves.map((v) => tree.leafHash(v)), proof: multiproof.proof, flags: multiproof.proofFlags },
  };
});
process.stdout.write(JSON.stringify(output));
