#!/usr/bin/env node
// The `nabla` command: train, evaluate, predict and summarise models from the terminal.
import { Command, CommanderError } from 'commander';
import { CliError } from './errors.js';
import { train, type TrainOptions } from './train.js';
import { evaluate, predict, summary } from './use-model.js';

const program = new Command('nabla')
  .description('Neural networks in TypeScript: train a classifier and see what happened.')
  .version('0.1.0')
  .showHelpAfterError(false)
  .exitOverride();

program.command('train')
  .description('train an MLP classifier on digits, fashion-mnist, mnist or a CSV file (label in the last column)')
  .argument('<data>', "'digits', 'fashion-mnist', 'mnist' or a .csv file")
  .option('--model <kind>', 'mlp; for image data also cnn, or lstm (reads images row by row)', 'mlp')
  .option('--layers <sizes>', 'hidden layer sizes of the MLP, comma-separated', '256,128')
  .option('--activation <name>', 'hidden activation', 'relu')
  .option('--loss <name>', 'crossentropy or mse', 'crossentropy')
  .option('--optimizer <name>', 'adam, sgd, momentum, rmsprop or adagrad', 'adam')
  .option('--lr <rate>', 'learning rate (default: 0.002 for adam, the optimizer\'s own otherwise)')
  .option('--epochs <n>', 'passes over the training data', '40')
  .option('--batch-size <n>', 'examples per step', '32')
  .option('--validation-split <f>', 'fraction of the training data held out to validate each epoch', '0.1')
  .option('--test-size <f>', 'fraction held out for the final test (data without its own test set)', '0.2')
  .option('--seed <n>', 'random seed (weights, shuffling, splits)', '0')
  .option('--out <dir>', 'the run folder for the model, history, report and SVG charts (default runs/DATA)')
  .option('--data-dir <dir>', 'where MNIST-format IDX files are')
  .option('--quiet', 'print only errors')
  .action((data: string, opts: TrainOptions) => train(data, opts));

program.command('evaluate')
  .description('loss, accuracy and a per-class report of a saved model on a data set')
  .argument('<model>', 'a model file written by train --out (model.nabla)')
  .argument('<data>', "'digits', 'fashion-mnist', 'mnist' or a .csv file")
  .option('--data-dir <dir>', 'where MNIST-format IDX files are')
  .action((model: string, data: string, opts: { dataDir?: string }) => evaluate(model, data, opts));

program.command('predict')
  .description('classes and probabilities for each example of a CSV or IDX file')
  .argument('<model>', 'a model file (model.nabla)')
  .argument('<input>', 'a .csv file (one example a row) or an IDX image file')
  .option('--top <k>', 'how many classes to list per example', '3')
  .action((model: string, input: string, opts: { top: string }) => predict(model, input, opts));

program.command('summary')
  .description("a saved model's layers, output shapes and parameter counts")
  .argument('<model>', 'a model file (model.nabla)')
  .action((model: string) => summary(model));

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
