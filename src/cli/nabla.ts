#!/usr/bin/env node
// The `nabla` command: train, evaluate, predict and summarise models from the terminal.
import { Command, CommanderError } from 'commander';
import { CliError } from './errors.js';
import { draw, type DrawOptions } from './draw.js';
import { DEFAULT_PATIENCE, OPTIMIZERS, train, type TrainOptions } from './train.js';
import { restoreTerminal } from './run-monitor.js';
import { evaluate, explainCommand, predict, summary } from './use-model.js';
import { landscapeCommand, type LandscapeCommandOptions } from './landscape-command.js';
import { EXPORT_FORMATS, exportCommand, importCommand } from './convert.js';
import { playgroundCommand, type PlaygroundOptions } from './playground.js';

const program = new Command('nabla')
  .description('Neural networks in TypeScript: train a classifier and see what happened.')
  .version('0.1.0')
  .showHelpAfterError(false)
  .exitOverride();

const lrDefaults = Object.entries(OPTIMIZERS)
  .map(([name, o]) => `${name} (default lr ${o.defaultLr})`)
  .join(', ');

program
  .command('train')
  .description('train a classifier (or, with --task regression, a regressor) on digits, fashion-mnist, mnist or a CSV file (label in the last column)')
  .argument('<data>', "'digits', 'fashion-mnist', 'mnist' or a .csv file (its last column is the label: text, integer or, with --task regression, a number)")
  .option('--model <kind>', 'mlp; for image data also cnn, or lstm (reads images row by row)', 'mlp')
  .option('--layers <sizes>', 'hidden layer sizes of the MLP (--model mlp only), comma-separated', '256,128')
  .option('--activation <name>', 'hidden activation (mlp and cnn)', 'relu')
  .option('--task <task>', 'classification, or regression for a numeric target (CSV only)', 'classification')
  .option('--loss <name>', 'classification: crossentropy (default) or mse; regression: mse (default) or mae')
  .option('--optimizer <name>', `one of ${lrDefaults}`, 'adam')
  .option('--lr <rate>', "learning rate (default: the optimizer's, listed under --optimizer)")
  .option('--epochs <n>', 'passes over the training data', '40')
  .option('--batch-size <n>', 'examples per step', '32')
  .option('--validation-split <f>', 'fraction of the training data held out to validate each epoch', '0.1')
  .option('--test-size <f>', 'fraction held out for the final test (data without its own test set)', '0.2')
  .option(
    '--early-stopping [patience]',
    `stop when the validation loss has not improved for this many epochs (default ${DEFAULT_PATIENCE}) and keep the best epoch's weights`,
  )
  .option('--drop-nan', 'drop CSV rows holding nan or inf (by default such data is refused, naming the row and column)')
  .option('--seed <n>', 'random seed (weights, shuffling, splits)', '0')
  .option(
    '--out <dir>',
    'the run folder for the model, checkpoints, history, report and SVG charts (default runs/DATA); files of an earlier run there are replaced',
  )
  .option('--data-dir <dir>', 'where MNIST-format IDX files are (mnist, fashion-mnist)')
  .option('--quiet', 'print only errors and warnings')
  .action(async (data: string, opts: TrainOptions, cmd: Command) => {
    process.exitCode = await train(data, opts, cmd);
  });

program
  .command('evaluate')
  .description('loss, accuracy and a per-class report of a saved model on a data set')
  .argument('<model>', 'a model file written by train --out (model.nabla)')
  .argument('<data>', "'digits', 'fashion-mnist', 'mnist' or a .csv file")
  .option('--data-dir <dir>', 'where MNIST-format IDX files are')
  .action((model: string, data: string, opts: { dataDir?: string }) => evaluate(model, data, opts));

program
  .command('predict')
  .description('classes and probabilities for each example of a CSV or IDX file')
  .argument('<model>', 'a model file (model.nabla)')
  .argument('<input>', 'a .csv file (one example a row) or an IDX image file')
  .option('--top <k>', 'how many classes to list per example', '3')
  .action((model: string, input: string, opts: { top: string }) => predict(model, input, opts));

program
  .command('summary')
  .description("a saved model's layers, output shapes and parameter counts")
  .argument('<model>', 'a model file (model.nabla)')
  .action((model: string) => summary(model));

program
  .command('export')
  .description('a model file in another format: ONNX (ONNX Runtime), TF.js layers (tf.loadLayersModel) or safetensors (weights)')
  .argument('<model>', 'a model file (model.nabla)')
  .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
  .option('--out <path>', 'where to write (default: beside the model; a folder for tfjs)')
  .action((model: string, opts: { format: string; out?: string }) => exportCommand(model, opts));

program
  .command('import')
  .description('a model file from a TF.js model.json, an ONNX chain of dense layers, or safetensors weights (with --into MODEL for the architecture)')
  .argument('<file>', 'model.json (TF.js layers format), model.onnx or weights.safetensors')
  .option('--into <model>', 'the model file whose architecture takes the safetensors weights')
  .option('--out <path>', 'the model file to write (default: beside FILE)')
  .option('--epsilon <eps|keep>', "a PyTorch state dict's normalization ε (default 1e-5, PyTorch's); layers built with another are refused unless 'keep'")
  .action((file: string, opts: { into?: string; out?: string; epsilon?: string }) => importCommand(file, opts));

program
  .command('landscape')
  .description(
    "draw a run's loss landscape again (landscape.svg, landscape-3d.svg in the run folder): on the plane of its training path, or along random or Hessian directions",
  )
  .argument('<run>', 'a run folder written by nabla train (runs/digits)')
  .option('--directions <kind>', 'path (the plane of the training path, saved by train), random (filter-normalised) or hessian (the top two eigenvectors)')
  .option('--resolution <n>', 'grid points along each axis', '25')
  .option('--range <r>', 'the grid spans [-r, r] along each direction (default: around the path, or 1)')
  .option('--samples <n>', 'at most this many examples to evaluate the loss on', '500')
  .option('--data <data>', "the data set (default: the run's, from report.json)")
  .option('--data-dir <dir>', 'where MNIST-format IDX files are')
  .action((run: string, opts: LandscapeCommandOptions) => landscapeCommand(run, opts));

program
  .command('explain')
  .description("a saved model's forward and backward pass as equations with shapes (Z1 = W1·X + b1, ..., dW1 = (1/m) dZ1·Xᵀ)")
  .argument('<model>', 'a model file (model.nabla)')
  .option('--latex', 'print LaTeX (an aligned block) instead of text')
  .option('--markdown', 'print Markdown (tables with $…$ math) instead of text')
  .option('--layout <layout>', 'columns (one example per column, as textbooks write it) or rows (as nabla stores a Dense kernel)', 'columns')
  .action((model: string, opts: { latex?: boolean; markdown?: boolean; layout?: string }) => explainCommand(model, opts));

program
  .command('draw')
  .description('the gradient-descent pictures as SVG files: a tangent moving along a curve, optimisers descending a surface, three learning rates')
  .argument('<picture>', 'tangent, descent or learning-rates')
  .option('--surface <name>', 'bowl, ravine, saddle, rosenbrock, himmelblau or wells (descent, learning-rates)', 'rosenbrock')
  .option('--curve <name>', 'parabola, cubic or sine (tangent)', 'parabola')
  .option('--optimizers <names>', 'comma-separated: sgd, momentum, nesterov, rmsprop, adam, adagrad (descent; default sgd,momentum,rmsprop,adam)')
  .option('--steps <n>', "updates to take (default: the surface's)")
  .option('--rates <a,b,c>', "three learning rates: too small, right, too large (learning-rates; default: the surface's)")
  .option('--no-animate', 'still pictures (no moving ball or tangent)')
  .option('--out <dir>', 'the folder to write the SVG files into', '.')
  .action((picture: string, opts: DrawOptions) => draw(picture, opts));

program
  .command('playground')
  .description('serve the nabla playground (the built web page that trains networks live) on a local port, cross-origin isolated for the wasm threads')
  .option('--port <n>', 'the port (0 for any free one)', '8080')
  .option('--host <address>', 'the interface to listen on', '127.0.0.1')
  .option('--open', 'open the page in the system browser')
  .action((opts: PlaygroundOptions) => playgroundCommand(opts));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // commander has printed its one-line message (or the help, which exits 0)
    process.exitCode = e.exitCode;
  } else {
    const err = e as Error;
    const known = err instanceof CliError || /Error$/.test(err.name);
    console.error(`nabla: ${err.message}`);
    if (process.env['NABLA_DEBUG']) console.error(err.stack);
    else if (!known) console.error('nabla: (set NABLA_DEBUG=1 for details)');
    process.exitCode = 1;
  }
}
restoreTerminal();
// exit now: a progress bar left running by a failed fit must not keep the process alive
process.exit(process.exitCode ?? 0);
